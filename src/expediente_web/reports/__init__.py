"""Reports and disclosure packages: editions of a case for one recipient each (a publication, the
ICC Office of the Prosecutor, the OAS, the IACHR, the case's own team), assembled through the
permission-checked reads, rendered as HTML, PDF or a static site and signed."""
