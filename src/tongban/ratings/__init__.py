"""好差评: the applicant rates a finished case; a bad rating must be rectified in time."""
