roofline --list-calib --calib memory_efficiency=0.9
