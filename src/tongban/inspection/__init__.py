"""On-site inspection (现场踏勘): two inspectors drawn at random, an appointment agreed with the applicant, findings per checklist item with photos, pass / fail / rectify."""
