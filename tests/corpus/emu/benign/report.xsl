<?xml version="1.0"?>
<!-- written for fileless-milter tests: an ordinary report stylesheet, no script -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="html"/>
<xsl:template match="/orders">
  <html><body><table>
  <xsl:for-each select="order"><tr><td><xsl:value-of select="@id"/></td><td><xsl:value-of select="sum(line/@amount)"/></td></tr></xsl:for-each>
  </table></body></html>
</xsl:template>
</xsl:stylesheet>
