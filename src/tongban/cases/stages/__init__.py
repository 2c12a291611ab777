"""The stages of a case, in the order it lives them: opening and drafting with the form check, intake
(submission, correction, acceptance), parallel review rounds, the decision, issue and delivery."""
