-- Notifications (Nexus), kept by the notification process manager and read by the APIs:
-- the tenant's own templates, overriding the built-in ones; a delivery record per event,
-- channel and recipient (a notice recorded as sent is not sent again: sending is idempotent per
-- event); the in-app notifications, each addressed to everyone holding a permission, and who
-- has read which.

CREATE TABLE notification_templates (
    event_type text NOT NULL,
    channel    text NOT NULL CONSTRAINT notification_template_channel_known CHECK (channel IN
                   ('email', 'in_app', 'sms', 'push')),
    subject    text NOT NULL,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (event_type, channel)
);

CREATE TABLE notification_deliveries (
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    channel      text NOT NULL,
    recipient    text NOT NULL,
    status       text NOT NULL CONSTRAINT notification_delivery_status_known CHECK (status IN ('sent', 'skipped')),
    delivered_at timestamptz NOT NULL,
    PRIMARY KEY (event_id, channel, recipient)
);

CREATE TABLE in_app_notifications (
    notification_id      uuid PRIMARY KEY,
    event_id             uuid NOT NULL,
    event_type           text NOT NULL,
    recipient_permission text NOT NULL,
    subject              text NOT NULL,
    body                 text NOT NULL,
    created_at           timestamptz NOT NULL
);

CREATE INDEX in_app_notifications_by_permission ON in_app_notifications (recipient_permission, created_at);

CREATE TABLE in_app_notification_reads (
    notification_id uuid NOT NULL REFERENCES in_app_notifications (notification_id),
    user_id         text NOT NULL,
    read_at         timestamptz NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
