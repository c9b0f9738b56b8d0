-- quarantine.lua - a message between quarantine_threshold and reject_threshold goes to the
-- MTA's hold queue (SMFIR_QUARANTINE) and is delivered there with its verdict header
-- (run.sh sets quarantine_threshold = 8; the phishing sample scores 9)
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_DATA") .. "/phish-link.eml"))
if not mt.eom_check(conn, MT_QUARANTINE) then fm.fail("no quarantine requested") end
fm.expect_header(conn, "X-Fileless-Verdict", "^quarantine; score=%d+%.%d+; ref=%x+; rules=%x+$")
if mt.eom_check(conn, MT_SMTPREPLY, "550") then fm.fail("a quarantined message was rejected") end
mt.disconnect(conn)
