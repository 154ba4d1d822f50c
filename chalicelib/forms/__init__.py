"""Residents' form data: service form definitions compiled into validating pydantic models."""

from chalicelib.forms.compiler import CompiledForm, FileRef, FormData, Party, compile_form

__all__ = ["CompiledForm", "FileRef", "FormData", "Party", "compile_form"]
