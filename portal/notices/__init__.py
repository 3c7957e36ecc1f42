"""Award notices (立项通知书): numbered, sealed PDFs that anyone can verify."""
