from orders.main import run

run()
