"""Research outputs for thesis writers: item statistics, reliability, validity, fuzzy comprehensive
evaluation, and exports for statistics software, from a community's resident survey."""
