roofline H100
