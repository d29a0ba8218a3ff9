models show llama-3
