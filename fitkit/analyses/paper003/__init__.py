"""003 (light new physics in B -> K(*) nu nubar): the light-X analyses on the Belle II likelihood."""
