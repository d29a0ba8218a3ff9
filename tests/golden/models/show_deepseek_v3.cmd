models show deepseek-v3
