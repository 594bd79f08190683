-- Meeting, Call, Email, Update and Milestone exist from the start, global and active.
INSERT INTO activity_types (name, name_key, scope, active) VALUES
    ('Meeting',   'meeting',   'global', TRUE),
    ('Call',      'call',      'global', TRUE),
    ('Email',     'email',     'global', TRUE),
    ('Update',    'update',    'global', TRUE),
    ('Milestone', 'milestone', 'global', TRUE);
