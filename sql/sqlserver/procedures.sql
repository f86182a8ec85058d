-- sqlscim lab database: stored procedures for Microsoft SQL Server 2016+ / Azure SQL.
-- Run after schema.sql:
--   sqlcmd -S localhost -U sa -P '<password>' -d lab -b -f 65001 -i procedures.sql
--
-- Reads return one result set:    EXEC dbo.GET_ACTIVEUSERS;
--                                  EXEC dbo.GET_USER_BY_ID @p_user_id = N'luke.skywalker@galaxy.local';
--                                  EXEC dbo.GET_USER_BY_USERNAME @p_user_name = N'Luke.Skywalker';
--                                  EXEC dbo.GET_ALL_ENTITLEMENTS;
--                                  EXEC dbo.GET_USER_ENTITLEMENT @p_user_id = N'luke.skywalker@galaxy.local';
-- Writes return nothing and report errors with THROW 50001.

-- All columns of the active users, in table column order.
CREATE PROCEDURE dbo.GET_ACTIVEUSERS
AS
BEGIN
    SET NOCOUNT ON;
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM dbo.USERS
    WHERE IS_ACTIVE = 1
    ORDER BY USER_ID;
END
GO

-- All columns of one user, active or not (no row when it does not exist).
CREATE PROCEDURE dbo.GET_USER_BY_ID
    @p_user_id NVARCHAR(100)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM dbo.USERS
    WHERE USER_ID = @p_user_id;
END
GO

-- All columns of the users whose USERNAME equals p_user_name without regard
-- to case, active or not: sqlscim's get_user_by_username.
CREATE PROCEDURE dbo.GET_USER_BY_USERNAME
    @p_user_name NVARCHAR(100)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM dbo.USERS
    WHERE USERNAME = @p_user_name; -- the default collation (..._CI_AS) ignores case
END
GO

-- Every entitlement.
CREATE PROCEDURE dbo.GET_ALL_ENTITLEMENTS
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ENT_ID, ENT_NAME, ENT_DESCRIPTION
    FROM dbo.ENTITLEMENTS
    ORDER BY ENT_ID;
END
GO

-- The entitlements assigned to one user.
CREATE PROCEDURE dbo.GET_USER_ENTITLEMENT
    @p_user_id NVARCHAR(100)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ue.USERENTITLEMENT_ID, u.USER_ID, u.USERNAME, u.EMAIL,
           e.ENT_ID, e.ENT_NAME, e.ENT_DESCRIPTION, ue.ASSIGNEDDATE
    FROM dbo.USERENTITLEMENTS ue
    JOIN dbo.USERS u ON u.USER_ID = ue.USER_ID
    JOIN dbo.ENTITLEMENTS e ON e.ENT_ID = ue.ENT_ID
    WHERE ue.USER_ID = @p_user_id
    ORDER BY e.ENT_ID;
END
GO

-- Inserts a user; IS_ACTIVE takes its default (1). The first five parameters
-- are mandatory.
CREATE PROCEDURE dbo.CREATE_USER
    @p_user_id          NVARCHAR(100),
    @p_username         NVARCHAR(100),
    @p_firstname        NVARCHAR(100),
    @p_lastname         NVARCHAR(100),
    @p_email            NVARCHAR(100),
    @p_middlename       NVARCHAR(100),
    @p_displayname      NVARCHAR(200),
    @p_nickname         NVARCHAR(100),
    @p_mobilephone      NVARCHAR(50),
    @p_streetaddress    NVARCHAR(255),
    @p_city             NVARCHAR(100),
    @p_state            NVARCHAR(100),
    @p_zipcode          NVARCHAR(20),
    @p_countrycode      NVARCHAR(10),
    @p_timezone         NVARCHAR(50),
    @p_organization     NVARCHAR(100),
    @p_department       NVARCHAR(100),
    @p_managerid        NVARCHAR(100),
    @p_manager          NVARCHAR(200),
    @p_title            NVARCHAR(100),
    @p_employeenumber   NVARCHAR(50),
    @p_hiredate         DATE,
    @p_terminationdate  DATE,
    @p_password_hash    NVARCHAR(255)
AS
BEGIN
    SET NOCOUNT ON;
    IF @p_user_id IS NULL OR LTRIM(RTRIM(@p_user_id)) = N''
        THROW 50001, N'CREATE_USER: p_user_id is required (NULL or empty)', 1;
    IF @p_username IS NULL OR LTRIM(RTRIM(@p_username)) = N''
        THROW 50001, N'CREATE_USER: p_username is required (NULL or empty)', 1;
    IF @p_firstname IS NULL OR LTRIM(RTRIM(@p_firstname)) = N''
        THROW 50001, N'CREATE_USER: p_firstname is required (NULL or empty)', 1;
    IF @p_lastname IS NULL OR LTRIM(RTRIM(@p_lastname)) = N''
        THROW 50001, N'CREATE_USER: p_lastname is required (NULL or empty)', 1;
    IF @p_email IS NULL OR LTRIM(RTRIM(@p_email)) = N''
        THROW 50001, N'CREATE_USER: p_email is required (NULL or empty)', 1;

    INSERT INTO dbo.USERS (
        USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, MIDDLENAME, DISPLAYNAME, NICKNAME,
        MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
        DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
        PASSWORD_HASH
    ) VALUES (
        @p_user_id, @p_username, @p_firstname, @p_lastname, @p_email, @p_middlename, @p_displayname, @p_nickname,
        @p_mobilephone, @p_streetaddress, @p_city, @p_state, @p_zipcode, @p_countrycode, @p_timezone, @p_organization,
        @p_department, @p_managerid, @p_manager, @p_title, @p_employeenumber, @p_hiredate, @p_terminationdate,
        @p_password_hash
    );
END
GO

-- Updates every column of a user but USER_ID and IS_ACTIVE. The first five
-- parameters are mandatory. An unknown @p_user_id updates nothing.
CREATE PROCEDURE dbo.UPDATE_USER
    @p_user_id          NVARCHAR(100),
    @p_username         NVARCHAR(100),
    @p_firstname        NVARCHAR(100),
    @p_lastname         NVARCHAR(100),
    @p_email            NVARCHAR(100),
    @p_middlename       NVARCHAR(100),
    @p_displayname      NVARCHAR(200),
    @p_nickname         NVARCHAR(100),
    @p_mobilephone      NVARCHAR(50),
    @p_streetaddress    NVARCHAR(255),
    @p_city             NVARCHAR(100),
    @p_state            NVARCHAR(100),
    @p_zipcode          NVARCHAR(20),
    @p_countrycode      NVARCHAR(10),
    @p_timezone         NVARCHAR(50),
    @p_organization     NVARCHAR(100),
    @p_department       NVARCHAR(100),
    @p_managerid        NVARCHAR(100),
    @p_manager          NVARCHAR(200),
    @p_title            NVARCHAR(100),
    @p_employeenumber   NVARCHAR(50),
    @p_hiredate         DATE,
    @p_terminationdate  DATE,
    @p_password_hash    NVARCHAR(255)
AS
BEGIN
    SET NOCOUNT ON;
    IF @p_user_id IS NULL OR LTRIM(RTRIM(@p_user_id)) = N''
        THROW 50001, N'UPDATE_USER: p_user_id is required (NULL or empty)', 1;
    IF @p_username IS NULL OR LTRIM(RTRIM(@p_username)) = N''
        THROW 50001, N'UPDATE_USER: p_username is required (NULL or empty)', 1;
    IF @p_firstname IS NULL OR LTRIM(RTRIM(@p_firstname)) = N''
        THROW 50001, N'UPDATE_USER: p_firstname is required (NULL or empty)', 1;
    IF @p_lastname IS NULL OR LTRIM(RTRIM(@p_lastname)) = N''
        THROW 50001, N'UPDATE_USER: p_lastname is required (NULL or empty)', 1;
    IF @p_email IS NULL OR LTRIM(RTRIM(@p_email)) = N''
        THROW 50001, N'UPDATE_USER: p_email is required (NULL or empty)', 1;

    UPDATE dbo.USERS
       SET USERNAME = @p_username,
           FIRSTNAME = @p_firstname,
           LASTNAME = @p_lastname,
           EMAIL = @p_email,
           MIDDLENAME = @p_middlename,
           DISPLAYNAME = @p_displayname,
           NICKNAME = @p_nickname,
           MOBILEPHONE = @p_mobilephone,
           STREETADDRESS = @p_streetaddress,
           CITY = @p_city,
           STATE = @p_state,
           ZIPCODE = @p_zipcode,
           COUNTRYCODE = @p_countrycode,
           TIMEZONE = @p_timezone,
           ORGANIZATION = @p_organization,
           DEPARTMENT = @p_department,
           MANAGERID = @p_managerid,
           MANAGER = @p_manager,
           TITLE = @p_title,
           EMPLOYEENUMBER = @p_employeenumber,
           HIREDATE = @p_hiredate,
           TERMINATIONDATE = @p_terminationdate,
           PASSWORD_HASH = @p_password_hash
     WHERE USER_ID = @p_user_id;
END
GO

-- Sets IS_ACTIVE to 1 (an unknown @p_user_id changes nothing).
CREATE PROCEDURE dbo.ACTIVATE_USER
    @p_user_id NVARCHAR(100)
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE dbo.USERS SET IS_ACTIVE = 1 WHERE USER_ID = @p_user_id;
END
GO

-- Sets IS_ACTIVE to 0 (an unknown @p_user_id changes nothing).
CREATE PROCEDURE dbo.DEACTIVATE_USER
    @p_user_id NVARCHAR(100)
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE dbo.USERS SET IS_ACTIVE = 0 WHERE USER_ID = @p_user_id;
END
GO

-- Assigns an entitlement; fails when the user or the entitlement does not
-- exist, does nothing when the assignment already exists.
CREATE PROCEDURE dbo.ADD_ENTITLEMENT_TO_USER
    @p_user_id NVARCHAR(100),
    @p_ent_id  INT
AS
BEGIN
    SET NOCOUNT ON;
    IF NOT EXISTS (SELECT 1 FROM dbo.USERS WHERE USER_ID = @p_user_id)
        THROW 50001, N'ADD_ENTITLEMENT_TO_USER: user does not exist (p_user_id)', 1;
    IF NOT EXISTS (SELECT 1 FROM dbo.ENTITLEMENTS WHERE ENT_ID = @p_ent_id)
        THROW 50001, N'ADD_ENTITLEMENT_TO_USER: entitlement does not exist (p_ent_id)', 1;

    -- UPDLOCK + HOLDLOCK make the existence check and the insert atomic.
    INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID)
    SELECT @p_user_id, @p_ent_id
    WHERE NOT EXISTS (
        SELECT 1 FROM dbo.USERENTITLEMENTS WITH (UPDLOCK, HOLDLOCK)
        WHERE USER_ID = @p_user_id AND ENT_ID = @p_ent_id
    );
END
GO

-- Removes an assignment; no error when it does not exist.
CREATE PROCEDURE dbo.REMOVE_ENTITLEMENT_FROM_USER
    @p_user_id NVARCHAR(100),
    @p_ent_id  INT
AS
BEGIN
    SET NOCOUNT ON;
    DELETE FROM dbo.USERENTITLEMENTS WHERE USER_ID = @p_user_id AND ENT_ID = @p_ent_id;
END
GO
