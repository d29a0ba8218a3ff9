roofline "Gaudi 2" --model llama-2-70b --weights fp8 --kv fp8 --tp 2 --batch 1750 --input 128 --output 128 --calib intel-gaudi.peer_link_share=0
