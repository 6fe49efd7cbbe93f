##! Accessors of the request an HTTP handler receives (stdlib.md §12.3).
##! Natives: mesh_interp/natives/request.py.

## The method as sent (`GET`, `POST`, ...).
pub fn method(req :: Request) -> String

## The request target up to the first `?`, not percent-decoded.
pub fn path(req :: Request) -> String

## The body (exactly Content-Length bytes; `""` without one).
pub fn body(req :: Request) -> String

## A header by its exact, case-sensitive name as sent; the last one wins if repeated.
pub fn header(req :: Request, name :: String) -> Option<String>

## A query parameter (pieces without `=` are ignored; no decoding; the last one wins).
pub fn query(req :: Request, name :: String) -> Option<String>

## A `:name` segment captured by the matched route; `None` for exact and wildcard routes.
pub fn param(req :: Request, name :: String) -> Option<String>
