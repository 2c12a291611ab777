"""Official documents as PDF (公文式文书): the drawing every document of the platform shares
(the Chinese font embedded as a subset, the issuing seal, the QR code to verification) and
the layout of a decision or notice with its issuing authority and document number.

Sits below every domain: the case engine makes its refusal decisions and notices here, the
e-licences and payment receipts draw their seals and QR codes with the same pieces.
"""
