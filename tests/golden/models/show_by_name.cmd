models show "Llama 2 7B"
