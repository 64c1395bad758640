"""What every HTTP request goes through before any face sees it: request ids, the access log
and metrics, CORS, compression, and the rate limiter the faces share. Pure ASGI, so
streaming answers and WebSockets pass through untouched."""
