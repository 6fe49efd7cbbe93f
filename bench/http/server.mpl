# The Mesh side of bench/http: one GET route answering 200 "ok".
# BENCH_HTTP_PORT picks the port (default 8080).

fn hello(_req) do
  HTTP.response(200, "ok")
end

fn port() -> Int do
  case Env.get("BENCH_HTTP_PORT") do
    Some(p) -> case String.to_int(p) do
      Some(n) -> n
      None -> 8080
    end
    None -> 8080
  end
end

fn main() do
  let r = HTTP.router() |> HTTP.on_get("/", hello)
  HTTP.serve(r, port())
end
