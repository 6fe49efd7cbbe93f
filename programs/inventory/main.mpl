# A multi-module program with a service defined in another module, a
# struct shared by all modules, Result errors crossing modules and a Job.
from Models.Item import Item, make_item
from Services.Stock import Stock, units

fn report(result :: Int!String) -> String do
  case result do
    Ok(n) -> "ok, ${n} left"
    Err(e) -> "refused: ${e}"
  end
end

fn main() do
  let stock = Stock.start([make_item("bolt", 10), make_item("nut", 4)])
  println(report(Stock.take(stock, "bolt", 3)))
  println(report(Stock.take(stock, "nut", 9)))
  println(report(Stock.take(stock, "gear", 1)))
  Stock.restock(stock, "nut", 20)
  println(report(Stock.take(stock, "nut", 9)))
  let items = Stock.items(stock)
  let job = Job.async(fn -> units(items) end)
  case Job.await(job) do
    Ok(total) -> println("audit: ${total} units in stock")
    Err(e) -> println("audit failed: ${e}")
  end
end
