"""The funding application: document, formal checks of the call, DOCX/PDF/XLSX export."""
