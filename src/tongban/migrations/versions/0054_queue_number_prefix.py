"""queue_days.prefix: one ticket counter per prefix (Y booked, A taken at the hall) per hall
and day, so the first walk-in ticket of a day is A001 after bookings

Revision ID: 0054_queue_number_prefix
Revises: 0053_department_window_en
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0054_queue_number_prefix"
down_revision: str | None = "0053_department_window_en"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # A day counted before this shared one counter: both prefixes go on from its value, so
    # no number handed out that day is handed out again.
    with op.batch_alter_table("queue_days") as batch:
        batch.drop_constraint("uq_queue_days_hall_code", type_="unique")
        batch.add_column(
            sa.Column("prefix", sa.String(length=1), nullable=False, server_default="A")
        )
        batch.create_unique_constraint("uq_queue_days_hall_code", ["hall_code", "day", "prefix"])
    op.execute(
        "INSERT INTO queue_days (hall_code, day, prefix, issued) "
        "SELECT hall_code, day, 'Y', issued FROM queue_days WHERE prefix = 'A'"
    )
    with op.batch_alter_table("queue_days") as batch:
        batch.alter_column("prefix", server_default=None)


def downgrade() -> None:
    # Back to one counter per hall and day: it goes on from the larger of the two.
    op.execute(
        "UPDATE queue_days SET issued = (SELECT MAX(o.issued) FROM queue_days o "
        "WHERE o.hall_code = queue_days.hall_code AND o.day = queue_days.day)"
    )
    op.execute("DELETE FROM queue_days WHERE prefix = 'Y'")
    with op.batch_alter_table("queue_days") as batch:
        batch.drop_constraint("uq_queue_days_hall_code", type_="unique")
        batch.drop_column("prefix")
        batch.create_unique_constraint("uq_queue_days_hall_code", ["hall_code", "day"])
