models show gemma-2-9b
