"""FastAPI review API and web review page (the API issue builds this)."""
