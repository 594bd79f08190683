-- S10: the Gong account a connection reaches, learnt when its credentials are checked
-- or authorised: its workspace ids (a JSON array of strings) and, for OAuth, the
-- customer API host Gong named (`us-NNNNN.api.gong.io`). NULL until known (connections
-- made before this version learn it on their next credentials check).
ALTER TABLE connections ADD COLUMN gong_workspaces TEXT;
ALTER TABLE connections ADD COLUMN gong_api_host TEXT;
