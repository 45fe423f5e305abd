"""Index the engine's per-batch queries and the recipient listings.

The claim gets a partial index in (run_id, next_at, id) order over due
recipients only, so a batch of a large run no longer sorts every due
recipient, and a partial index over unfinished recipients answers whether a
run is finished. Listings by status or node page by id, and the reconciler and the
overdue-result duty find expired leases and deadlines by status.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 23:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

DUE = sa.text("status IN ('active', 'delayed')")
OPEN = sa.text("status IN ('pending', 'active', 'waiting', 'delayed')")


def upgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_recipients_run_id_status_next_at')
        batch_op.drop_index('ix_recipients_run_id_current_node_status')
        batch_op.create_index('ix_recipients_due', ['run_id', 'next_at', 'id'], unique=False, postgresql_where=DUE, sqlite_where=DUE)
        batch_op.create_index('ix_recipients_open', ['run_id', 'status'], unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_recipients_run_id_status_id', ['run_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_recipients_run_id_current_node_id', ['run_id', 'current_node', 'id'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_status_lease_expires_at', ['status', 'lease_expires_at'], unique=False)
        batch_op.create_index('ix_actions_status_deadline_at', ['status', 'deadline_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_status_deadline_at')
        batch_op.drop_index('ix_actions_status_lease_expires_at')

    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_recipients_run_id_current_node_id')
        batch_op.drop_index('ix_recipients_run_id_status_id')
        batch_op.drop_index('ix_recipients_open')
        batch_op.drop_index('ix_recipients_due')
        batch_op.create_index('ix_recipients_run_id_current_node_status', ['run_id', 'current_node', 'status'], unique=False)
        batch_op.create_index('ix_recipients_run_id_status_next_at', ['run_id', 'status', 'next_at'], unique=False)
