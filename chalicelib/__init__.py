"""e-Urząd: the regional serverless e-office platform."""
