roofline --reference --compare H100,H20,H800,910C,A100,mlu590
