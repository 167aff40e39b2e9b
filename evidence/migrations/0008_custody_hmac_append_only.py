"""Key the custody chains (HMAC under CUSTODY_KEY) and make custody rows append-only in PostgreSQL.

Existing chains are re-linked under the key only as far as their old unkeyed
hashes still check out; anything after a break is left as it was, so
verify_custody goes on reporting it.
"""

import hashlib
import hmac

from django.db import migrations

GENESIS = "0" * 64

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION harassguard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'custody records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER custody_append_only BEFORE UPDATE OR DELETE ON evidence_custodyevent
    FOR EACH ROW EXECUTE FUNCTION harassguard_append_only();
CREATE TRIGGER custody_anchor_append_only BEFORE UPDATE OR DELETE ON evidence_custodyanchor
    FOR EACH ROW EXECUTE FUNCTION harassguard_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS custody_append_only ON evidence_custodyevent;
DROP TRIGGER IF EXISTS custody_anchor_append_only ON evidence_custodyanchor;
DROP FUNCTION IF EXISTS harassguard_append_only();
"""


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite has no such triggers)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def key_existing_chains(apps, schema_editor):
    from evidence.custody import custody_key, event_canonical

    CustodyEvent = apps.get_model("evidence", "CustodyEvent")
    if not CustodyEvent.objects.exists():
        return
    key = custody_key()
    for case_id in CustodyEvent.objects.values_list("case_id", flat=True).distinct():
        old_prev = new_prev = GENESIS
        for event in CustodyEvent.objects.filter(case_id=case_id).order_by("id").iterator():
            if event.prev_hash != old_prev or hashlib.sha256(event_canonical(event)).hexdigest() != event.hash:
                break
            old_prev, event.prev_hash = event.hash, new_prev
            new_prev = hmac.new(key, event_canonical(event), hashlib.sha256).hexdigest()
            CustodyEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0007_custody_anchors_and_sanity_checks")]

    operations = [
        migrations.RunPython(key_existing_chains, migrations.RunPython.noop),
        PostgresOnlySQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
