"""The built-in image store (``[image] backend = store``).

``records`` holds the SQL, ``files`` the data files, ``access`` the
visibility and ownership rules, ``backend`` the operations of the facade.
"""
