"""Work assignment (人员随机分配): each task of a department is held by one person, drawn
by the platform when the task opens, so that no applicant can choose who handles their
case; a colleague takes over from someone absent, a supervisor or the department's head
reassigns with a reason, and every change is audited (``pool``, ``holding``, ``load``)."""
