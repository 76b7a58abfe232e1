"""SQLAlchemy adapter: the models, repositories, unit of work and migrations."""
