models show llama-4
