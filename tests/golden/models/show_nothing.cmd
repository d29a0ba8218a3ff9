models show
