"""Messages on a case (在线沟通) between the applicant and the departments handling it."""
