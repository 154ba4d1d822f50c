"""The API's description of itself: an OpenAPI 3.1 document generated from the routes and their models."""
