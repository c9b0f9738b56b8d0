// slow.yar - a deliberately slow rule for the scan_timeout/progress test: over a long run
// of "a" every position starts a match attempt that scans up to 4,000 bytes, so the scan
// runs into the YARA timeout (10 s). Test data, never shipped in rules/.
rule Test_Slow_Scan
{
    strings:
        $a = /a[a-z]{0,2000}q[a-z]{0,2000}z/
    condition:
        $a
}
