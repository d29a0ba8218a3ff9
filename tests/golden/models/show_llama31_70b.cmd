models show llama-3.1-70b
