"""Electronic signatures: XAdES verification, the trust store and the office's own seal.

Pure logic (lxml, python-xmlsec, cryptography); no AWS and no Chalice here. The services layer loads the
trust bundle and the seal key and hands them in.
"""
