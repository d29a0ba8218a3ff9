roofline --calibration
