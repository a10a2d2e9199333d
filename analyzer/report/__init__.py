"""Reports of an audit: the HTML report and the highlighted PDF."""
