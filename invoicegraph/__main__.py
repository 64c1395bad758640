from invoicegraph.cli import main

main()
