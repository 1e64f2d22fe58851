"""callqc: quality inspection of Chinese financial customer-service calls.

``qc`` is a pure library (audio in, an ``Inspection`` out); it never imports FastAPI or SQLModel.
"""

__version__ = "0.1.0"

#: bumped whenever a change can alter a stored result; stamped on every inspection
PIPELINE_VERSION = "qc-0.1.0"
