##! WebSocket server with rooms (stdlib.md §13). Connections are Int handles
##! (never 0). Natives: mesh_interp/natives/ws.py.

## Serve WebSockets on 0.0.0.0:`port` and return at once. Per connection, in its own process: `on_connect(conn, path, headers)` (return non-zero, usually `conn`, to accept; 0 rejects with close 1008), `on_message(conn, text)` per message, `on_close(conn, code, reason)` at the end (1000 and "" on disconnect, 1011 and "internal error" after a crash).
pub fn serve(on_connect :: Fun(Int, String, Map<String, String>) -> Int, on_message :: Fun(Int, String) -> (), on_close :: Fun(Int, Int, String) -> (), port :: Int) -> ()

## `Ws.send(conn, text)` (`send` is a keyword, so it is declared as `send_`): one text frame; 0 on success, -1 if the connection is closed.
pub fn send_(conn :: Int, text :: String) -> Int

## Add `conn` to `room` (rooms are created on demand); 0, or -1 for conn 0.
pub fn join(conn :: Int, room :: String) -> Int

## Remove `conn` from `room` (a no-op if it is not a member); 0, or -1 for conn 0.
pub fn leave(conn :: Int, room :: String) -> Int

## Send `text` to every member of `room`; the number of failed writes (0 for an unknown room).
pub fn broadcast(room :: String, text :: String) -> Int

## Like `broadcast`, skipping `conn`.
pub fn broadcast_except(room :: String, text :: String, conn :: Int) -> Int
