roofline --calibration --reference
