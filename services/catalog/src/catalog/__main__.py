from catalog.main import run

run()
