##! HTTP server, routing and client (stdlib.md §12). `Router`, `Request` and
##! `Response` are opaque handles. Routers are immutable: every registration
##! returns a new router. Natives: mesh_interp/natives/http.py.

## An empty router (no routes, no middleware).
pub fn router() -> Router

## Add a route for any method. Patterns: exact (`/health`), parameterised (`/users/:id`) or wildcard (`/api/*`); exact routes win over parameterised ones, which win over wildcards, each in registration order.
pub fn route(r :: Router, pattern :: String, handler :: Fun(Request) -> Response) -> Router

## Add a GET-only route.
pub fn on_get(r :: Router, pattern :: String, handler :: Fun(Request) -> Response) -> Router

## Add a POST-only route.
pub fn on_post(r :: Router, pattern :: String, handler :: Fun(Request) -> Response) -> Router

## Add a PUT-only route.
pub fn on_put(r :: Router, pattern :: String, handler :: Fun(Request) -> Response) -> Router

## Add a DELETE-only route.
pub fn on_delete(r :: Router, pattern :: String, handler :: Fun(Request) -> Response) -> Router

## Add middleware `mw(request, next)`; the first added runs outermost. It also runs when no route matches (the innermost handler then answers 404 `Not Found`).
pub fn use(r :: Router, mw :: Fun(Request, Fun(Request) -> Response) -> Response) -> Router

## Listen on 0.0.0.0:`port` and serve forever; each request runs in its own process. Prints `[mesh-rt] HTTP server listening on 0.0.0.0:<port>` to stderr; returns only if the port cannot be bound.
pub fn serve(r :: Router, port :: Int) -> ()

## Like `serve`, over TLS with a PEM certificate chain and private key.
pub fn serve_tls(r :: Router, port :: Int, cert_path :: String, key_path :: String) -> ()

## A response with `status` and `body` (sent as `Content-Type: application/json; charset=utf-8`).
pub fn response(status :: Int, body :: String) -> Response

## A response with extra headers, written in the map's order after the standard ones.
pub fn response_with_headers<K, V>(status :: Int, body :: String, headers :: Map<K, V>) -> Response

## GET `url`: `Ok(body)` for a 2xx status, else `Err` (`<url>: status code 404`, or the connection error).
pub fn get(url :: String) -> Result<String, String>

## POST `body` to `url` with `Content-Type: application/json`; results as `get`.
pub fn post(url :: String, body :: String) -> Result<String, String>
