#!/usr/bin/env python3
import sys, email.mime.multipart, email.mime.text, email.mime.application, os
# mkeml.py OUT FILE [FILE...] - a message with each FILE attached (base64)
m = email.mime.multipart.MIMEMultipart()
m['From'] = 'a@example.com'; m['To'] = 'b@example.org'; m['Subject'] = 'invoice'
m['Message-ID'] = '<%s@example.com>' % os.path.basename(sys.argv[1])
m.attach(email.mime.text.MIMEText('see attachment'))
for f in sys.argv[2:]:
    a = email.mime.application.MIMEApplication(open(f, 'rb').read(), Name=os.path.basename(f))
    a['Content-Disposition'] = 'attachment; filename="%s"' % os.path.basename(f)
    m.attach(a)
open(sys.argv[1], 'w').write(m.as_string())
