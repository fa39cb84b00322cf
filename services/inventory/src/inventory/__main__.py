from inventory.main import run

run()
