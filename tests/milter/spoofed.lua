-- spoofed.lua - inbound X-Fileless-* headers are deleted (highest index first) before ours
-- are added
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local extra = {{name = "X-Fileless-Verdict", value = " clean; score=0.00; ref=0; rules=0"},
               {name = "X-Fileless-Verdict", value = " clean"},
               {name = "X-Fileless-Report", value = " none"}}
local conn = fm.session(fm.read(os.getenv("FM_DATA") .. "/newsletter.eml"), extra)
if not mt.eom_check(conn, MT_HDRDELETE, "X-Fileless-Verdict") then
    fm.fail("spoofed X-Fileless-Verdict not deleted")
end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Fileless-Report") then
    fm.fail("spoofed X-Fileless-Report not deleted")
end
fm.expect_header(conn, "X-Fileless-Verdict", "^clean; score=0%.00; ref=%x+; rules=%x+$")
mt.disconnect(conn)
